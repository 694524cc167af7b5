// Runs the real command definitions in-process on argv and returns what commander printed when it
// rejected them (the tests of bench and load options share it).
import { Command, CommanderError } from 'commander';
import { expect } from 'vitest';

export async function cliError(register: (program: Command) => void, argv: string[]): Promise<string> {
  const program = new Command('millrace').exitOverride();
  let stderr = '';
  program.configureOutput({ writeErr: (s) => (stderr += s), writeOut: () => {} });
  register(program);
  try {
    await program.parseAsync(['node', 'millrace', ...argv]);
  } catch (err) {
    expect(err).toBeInstanceOf(CommanderError);
    return stderr || (err as Error).message;
  }
  throw new Error(`${argv.join(' ')} was accepted`);
}
