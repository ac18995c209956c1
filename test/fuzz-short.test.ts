/**
 * A short frame-fuzzing campaign (fuzz/, `npm run fuzz` is the long one): the real headless server
 * as a child process, a few thousand mutated frames from several connections with a fixed seed,
 * and a canary user chatting throughout. Nothing may crash the server, hurt the canary, or end up
 * stored when it should have been refused (on main before issue 9 this run stored blank names).
 */
import { describe, expect, it } from 'vitest';
import { runCampaign } from '../fuzz/lib/campaign.ts';

describe('frame fuzzing (short run)', () => {
  it('5,000 fuzzed frames, seed 9: no crash, a clean shutdown, the canary answered, nothing bad stored', async () => {
    const report = await runCampaign({ seed: 9, frames: 5000, seconds: 10, connections: 6 });
    expect(report.crash).toBeUndefined();
    expect(report.shutdownExit).toBe(0);
    expect(report.canary.failures).toEqual([]);
    expect(report.canary.messages).toBeGreaterThan(0);
    expect(report.audit.bad).toEqual([]);
    expect(report.audit.rows).toBeGreaterThan(0);
    expect(report.framesSent).toBeGreaterThan(1000);
    expect(report.ok).toBe(true);
  }, 60_000);
});
