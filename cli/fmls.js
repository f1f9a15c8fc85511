#!/usr/bin/env node
// The `fmls` bin (package.json): runs the TypeScript CLI through tsx's loader in this same process,
// as `npm start` runs the local runtime through tsx, so `npx fmls` works from a fresh `npm ci`
// with no build step.
import process from 'node:process';
import { register } from 'tsx/esm/api';

register();
const { run } = await import('./main.ts');
process.exitCode = await run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
