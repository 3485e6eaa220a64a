import { defineConfig } from 'vitest/config';

/**
 * Three projects, in this order: `unit` (Node, beside the code and under test/), `e2e` (the built
 * extension in real headless Chromium, two files at a time) and `e2e-alone` (the phone's fault shifts).
 */
export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          // Unit files first, then the e2e files (projects with their own worker counts need their own group).
          sequence: { groupOrder: 0 },
          include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts'],
          environment: 'node',
          // Three files at a time on two cores (vitest's default here is one): the fault shifts
          // (test/faults/) and the broker tests mostly wait on simulators and timers.
          fileParallelism: true,
          maxWorkers: 3,
          // chrome.i18n with the default locale's messages, so t() works as in the extension.
          setupFiles: ['test/setup/i18n.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          sequence: { groupOrder: 1 },
          include: ['test/e2e/**/*.e2e.ts'],
          exclude: ['test/e2e/phone-faults.e2e.ts'],
          // Chromium on Linux takes its UI language (and so the extension's locale) from
          // LANGUAGE, not from --lang: the suite runs in the default locale, Simplified Chinese.
          env: { LANGUAGE: 'zh_CN' },
          // Two files at a time (each its own Chromium, simulators on free ports, its own Kamailio or
          // RabbitMQ): the files mostly wait on simulators and timers, so two at once on two cores took the
          // project from ≈12 to ≈7 min with every file green; timing-sensitive steps wait on state, not sleeps.
          fileParallelism: true,
          maxWorkers: 2,
          testTimeout: 60_000,
          hookTimeout: 90_000,
          retry: 0,
          setupFiles: ['test/setup/e2e-output.ts'],
        },
      },
      {
        extends: true,
        test: {
          // The phone's fault shifts run two Chromiums, Kamailio and its restarts: alone, after the other e2e
          // files, so neither starves the other's timing (paired with them, other files' logins timed out).
          name: 'e2e-alone',
          sequence: { groupOrder: 2 },
          include: ['test/e2e/phone-faults.e2e.ts'],
          env: { LANGUAGE: 'zh_CN' },
          fileParallelism: false,
          maxWorkers: 1,
          testTimeout: 60_000,
          hookTimeout: 90_000,
          retry: 0,
          setupFiles: ['test/setup/e2e-output.ts'],
        },
      },
    ],
  },
});
