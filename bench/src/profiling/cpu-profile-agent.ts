/**
 * Preloaded (node -r) into a target the bench wants to profile. Starts and
 * stops the V8 sampling profiler on request over the fork IPC channel, so
 * only the measured window is profiled (--cpu-prof would need a clean exit,
 * and Nest's shutdown hooks end the process by re-raising SIGTERM).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

export interface ProfileCommand {
  type: 'profile-start' | 'profile-stop';
  /** Where profile-stop writes the .cpuprofile. */
  path?: string;
}

const session = new Session();
session.connect();

const post = (method: string, params?: object): Promise<unknown> =>
  new Promise((resolve, reject) => session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result))));

process.on('message', (message: ProfileCommand) => {
  if (message?.type === 'profile-start') {
    void (async () => {
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: 200 });
      await post('Profiler.start');
      process.send?.({ type: 'profile-started' });
    })();
  } else if (message?.type === 'profile-stop' && message.path) {
    const path = message.path;
    void (async () => {
      const { profile } = (await post('Profiler.stop')) as { profile: unknown };
      writeFileSync(path, JSON.stringify(profile));
      process.send?.({ type: 'profile-written', path });
    })();
  }
});
