export * from './hardened-deployment';
export * from './api-pdb';
export * from './egress-rule';
