export * from './hardened-deployment';
export * from './api-pdb';
