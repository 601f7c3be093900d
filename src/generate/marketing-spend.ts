import type { Rng } from '../core/rng.js';
import { SECONDS_PER_DAY, monthIndex, monthsBetween } from './calendar.js';
import { CsvSink, encode } from './csv-sink.js';
import { ACQUISITION_CHANNELS, type AcquisitionChannel } from './personas.js';

/** Columns of marketing_spend.csv: canonical names (src/model/canonical.ts). */
export const SPEND_COLUMNS = ['period_start', 'period_end', 'channel', 'campaign', 'spend'] as const;

/** True cost of acquiring one customer per paid channel (GBP); organic costs nothing. */
export const CHANNEL_CAC: Readonly<Record<Exclude<AcquisitionChannel, 'organic'>, number>> = {
  paid_search: 38,
  paid_social: 30,
  email: 9,
  referral: 15,
  affiliate: 24,
};

/** How each channel's monthly spend splits over campaigns. */
const CAMPAIGNS: Readonly<Record<Exclude<AcquisitionChannel, 'organic'>, readonly [string, number][]>> = {
  paid_search: [
    ['brand', 0.35],
    ['generic', 0.65],
  ],
  paid_social: [
    ['prospecting', 0.7],
    ['retargeting', 0.3],
  ],
  email: [['newsletter', 1]],
  referral: [['refer_a_friend', 1]],
  affiliate: [['affiliate_network', 1]],
};

/** Month-level noise on a channel's CAC, and on each campaign's share of it (log-normal sd). */
const CHANNEL_NOISE = 0.12;
const CAMPAIGN_NOISE = 0.08;

/**
 * Counts sign-ups per acquisition channel and month, then writes monthly spend per paid channel and
 * campaign: spend ≈ customers acquired through the channel that month × its CAC × log-normal
 * noise, so that CAC computed from the data comes out near {@link CHANNEL_CAC}.
 */
export class MarketingSpend {
  private readonly months: { index: number; first: number; last: number }[];
  private readonly firstMonth: number;
  private readonly counts: Float64Array;

  constructor(startDay: number, endDay: number) {
    this.months = monthsBetween(startDay, endDay);
    this.firstMonth = this.months[0]!.index;
    this.counts = new Float64Array(ACQUISITION_CHANNELS.length * this.months.length);
  }

  /** Counts one customer acquired through `channel` (index) at `signup` (seconds). */
  add(channel: number, signup: number): void {
    const m = monthIndex(Math.floor(signup / SECONDS_PER_DAY)) - this.firstMonth;
    this.counts[channel * this.months.length + m]! += 1;
  }

  /** Writes the spend file; returns the number of rows. */
  write(path: string, rng: Rng): number {
    const sink = new CsvSink(path, SPEND_COLUMNS);
    this.months.forEach((month, m) => {
      ACQUISITION_CHANNELS.forEach((channel, c) => {
        if (channel === 'organic') return;
        const acquired = this.counts[c * this.months.length + m]!;
        const total = acquired * CHANNEL_CAC[channel] * Math.exp(CHANNEL_NOISE * rng.normal());
        const campaigns = CAMPAIGNS[channel];
        const weights = campaigns.map(([, share]) => share * Math.exp(CAMPAIGN_NOISE * rng.normal()));
        const sum = weights.reduce((a, b) => a + b, 0);
        campaigns.forEach(([name], k) => {
          sink.date(month.first).comma().date(month.last).comma();
          sink.text(encode(channel)).comma().text(encode(name)).comma();
          sink.cents(Math.round((100 * total * weights[k]!) / sum));
          sink.end();
        });
      });
    });
    sink.close();
    return sink.rows;
  }
}
