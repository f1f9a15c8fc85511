import { CommanderError } from 'commander';
import { ApiError, CommandFailed, EXIT, RequestFailed, UsageError, WaitFailed, WaitTimedOut } from './errors';
import { runConsole } from './console-server';
import { buildProgram, type Io } from './program';

/**
 * `fmls`: runs one command and turns how it ended into the exit code (docs/CLI.md): 0 ok, 1 the
 * API said no / the workflow failed / the API could not be reached, 2 usage, 3 timed out waiting.
 */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  const program = buildProgram(io, runConsole);
  const fail = (line: string) => io.stderr.write(`fmls: ${line}\n`);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has printed its own message (and the hint to --help); help and --version are not errors.
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.help' || err.code === 'commander.version' ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof UsageError) {
      fail(err.message);
      return EXIT.usage;
    }
    if (err instanceof ApiError) {
      if (program.opts<{ json?: boolean }>().json && err.body !== undefined) io.stdout.write(`${JSON.stringify(err.body, null, 2)}\n`);
      fail(`${err.status} ${err.code}: ${err.message}`);
      for (const detail of err.details) io.stderr.write(`  ${detail.path}: ${detail.message}\n`);
      return EXIT.failed;
    }
    if (err instanceof WaitTimedOut) {
      fail(err.message);
      return EXIT.timedOut;
    }
    if (err instanceof WaitFailed || err instanceof RequestFailed || err instanceof CommandFailed) {
      fail(err.message);
      return EXIT.failed;
    }
    fail(`unexpected error: ${err instanceof Error ? err.message : String(err)}`);
    return EXIT.failed;
  }
}
