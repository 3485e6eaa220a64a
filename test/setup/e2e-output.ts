/**
 * Every e2e file may write screenshots to test-output/ (git-ignored): make sure it exists on a
 * clean checkout, whichever file runs first.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

mkdirSync(join(import.meta.dirname, '..', '..', 'test-output'), { recursive: true });
