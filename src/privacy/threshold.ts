import type { Config } from '../config/types.js';

/** `privacy.min_segment_size` when the config does not set it (CONTRACT.md's example value). */
export const DEFAULT_MIN_SEGMENT_SIZE = 10;

/**
 * The suppression threshold the outputs apply: the config's `privacy.min_segment_size`, else 10
 * (also when a command runs on a workspace without a config file). It is read when a command
 * prints, not when a snapshot is stored, so raising it later also hides small groups of old
 * snapshots.
 */
export function minSegmentSizeOf(config: Pick<Config, 'privacy'> | undefined): number {
  return config?.privacy?.min_segment_size ?? DEFAULT_MIN_SEGMENT_SIZE;
}
