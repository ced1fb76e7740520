// Worker entry of scripts/numerics/fuzz.ts: registers tsx's loader in this thread (a worker does not inherit
// the parent's module hooks on Node 20), then runs the TypeScript fuzz runner.
import { register } from 'tsx/esm/api';

register();
await import('./runner.ts');
