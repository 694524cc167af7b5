// The `millrace` command's choice of V8 GC mode: when it runs itself again, and with what.
import { describe, expect, it } from 'vitest';
import { gcReexecArgs } from '../../src/cli/gc-mode.js';

const argv = ['/usr/bin/node', '/app/dist/cli/main.js', 'serve', '--port', '4567'];
const base = { execArgv: [] as string[], argv, env: {} as Record<string, string | undefined>, cores: 2 };

describe('gcReexecArgs', () => {
  it('runs again under --single-threaded-gc on two cores or fewer, keeping node flags and the command', () => {
    expect(gcReexecArgs({ ...base, execArgv: ['--enable-source-maps'] })).toEqual(['--enable-source-maps', '--single-threaded-gc', '/app/dist/cli/main.js', 'serve', '--port', '4567']);
    expect(gcReexecArgs({ ...base, cores: 1 })).toEqual(['--single-threaded-gc', '/app/dist/cli/main.js', 'serve', '--port', '4567']);
  });

  it('leaves larger machines, an explicit GC flag and MILLRACE_V8_GC=default alone', () => {
    expect(gcReexecArgs({ ...base, cores: 4 })).toBeUndefined();
    expect(gcReexecArgs({ ...base, execArgv: ['--single-threaded-gc'] })).toBeUndefined();
    expect(gcReexecArgs({ ...base, execArgv: ['--no-single-threaded-gc'] })).toBeUndefined();
    expect(gcReexecArgs({ ...base, env: { MILLRACE_V8_GC: 'default' } })).toBeUndefined();
  });

  it('asks for it on any machine with MILLRACE_V8_GC=single-threaded, never twice', () => {
    const args = gcReexecArgs({ ...base, cores: 64, env: { MILLRACE_V8_GC: 'single-threaded' } });
    expect(args).toEqual(['--single-threaded-gc', '/app/dist/cli/main.js', 'serve', '--port', '4567']);
    // The process it starts has the flag in its execArgv, so it does not start another.
    expect(gcReexecArgs({ ...base, cores: 64, execArgv: args!.slice(0, 1), env: { MILLRACE_V8_GC: 'single-threaded' } })).toBeUndefined();
  });

  it('refuses an unknown mode', () => {
    expect(() => gcReexecArgs({ ...base, env: { MILLRACE_V8_GC: 'fast' } })).toThrow(/MILLRACE_V8_GC must be default, single-threaded or auto/);
  });
});
