/** Small Markdown builders shared by the operations documents. */

/** Inline code. */
export function code(text: string | number): string {
  const s = String(text);
  return s.includes('`') ? `\`\` ${s} \`\`` : `\`${s}\``;
}

/** A fenced code block. */
export function block(lines: string[], language = 'sh'): string {
  return ['```' + language, ...lines, '```'].join('\n');
}

/** A table; pipes in cells are escaped so they stay in their cell. */
export function table(headers: string[], rows: Array<Array<string | number>>): string {
  const cell = (c: string | number) => String(c).replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [
    `| ${headers.map(cell).join(' | ')} |`,
    `| ${headers.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}

/** A bulleted list. */
export function bullets(items: string[]): string {
  return items.map((i) => `- ${i}`).join('\n');
}

/** A checklist. */
export function checklist(items: string[]): string {
  return items.map((i) => `- [ ] ${i}`).join('\n');
}

/** Numbered steps. */
export function steps(items: string[]): string {
  return items.map((item, i) => `${i + 1}. ${item.replace(/\n/g, '\n   ')}`).join('\n');
}

/** A GitHub-style anchor for a heading (the documents' headings have no surrounding spaces). */
export function anchor(heading: string): string {
  return heading.toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-');
}

/** Paragraphs and blocks joined into a document, ending with one newline. */
export function doc(parts: Array<string | undefined | false>): string {
  return `${parts.filter((p): p is string => typeof p === 'string' && p !== '').join('\n\n')}\n`;
}

/** Seconds in the largest whole unit (`90 s`, `5 min`, `2 h`, `1 day`), as written in the documents. */
export function humanSeconds(seconds: number): string {
  if (seconds % 86400 === 0) return seconds === 86400 ? '1 day' : `${seconds / 86400} days`;
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/** An instant to the minute in UTC, as the documents list schedule runs: `2026-11-28 02:00 UTC`. */
export function utcMinute(instant: number): string {
  return `${new Date(instant).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
