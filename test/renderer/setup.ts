/** Renderer test setup: unmount after each test (vitest globals are off, so RTL cannot do it). */
import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

afterEach(() => {
  cleanup();
});
