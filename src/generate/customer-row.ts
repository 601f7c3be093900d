import type { Rng } from '../core/rng.js';
import { SECONDS_PER_DAY } from './calendar.js';
import { type CsvSink, encode } from './csv-sink.js';
import { Geography } from './geography.js';
import type { IdFormat } from './order-process.js';
import { ACQUISITION_CHANNELS, GENDERS, type Persona } from './personas.js';

/** Columns of customers.csv: canonical names (src/model/canonical.ts). */
export const CUSTOMER_COLUMNS = [
  'customer_id',
  'created_at',
  'birth_date',
  'gender',
  'country',
  'region',
  'city',
  'acquisition_channel',
  'consent_marketing',
  'email',
] as const;

/** Shares of fields left empty, as in real CRM exports. */
const BIRTH_DATE_MISSING = 0.06;
const GENDER_MISSING = 0.03;
const CONSENT_UNKNOWN = 0.04;

/** Consent as recorded: no, yes, or unknown (an empty field). */
export const Consent = { No: 0, Yes: 1, Unknown: 2 } as const;
export type Consent = (typeof Consent)[keyof typeof Consent];

const GENDER_BYTES = GENDERS.map(encode);
const CHANNEL_BYTES = ACQUISITION_CHANNELS.map(encode);
const TRUE = encode('true');
const FALSE = encode('false');
const C = encode('C');
const LOWER_C = encode('c');
const EMAIL_DOMAIN = encode('@example.com'); // RFC 2606: never a real mailbox

/**
 * Draws a customer's demographics, acquisition channel and consent from their persona and writes
 * the customers.csv row. The channel and consent of the last row are kept for the caller.
 */
export class CustomerRow {
  private readonly geography = new Geography();
  /** Acquisition channel of the last customer written (index into ACQUISITION_CHANNELS). */
  channel = 0;
  /** Consent of the last customer written. */
  consent: Consent = Consent.Unknown;

  constructor(
    private readonly sink: CsvSink,
    private readonly ids: IdFormat,
  ) {}

  /** Writes customer number `customer` (1-based), who signed up at `signup` (seconds). */
  write(rng: Rng, persona: Persona, customer: number, signup: number): void {
    const pr = persona.profile;
    const s = this.sink;
    s.text(C).padded(customer, this.ids.customerWidth).comma();
    s.timestamp(signup).comma();
    // Age at sign-up ~ N(mean, sd) clipped to 18–90; the birthday falls anywhere in that year.
    const age = Math.min(90, Math.max(18, pr.ageMean + pr.ageSd * rng.normal()));
    if (rng.uniform() >= BIRTH_DATE_MISSING) {
      const signupDay = Math.floor(signup / SECONDS_PER_DAY);
      s.date(signupDay - Math.floor(Math.floor(age) * 365.25) - rng.int(365));
    }
    s.comma();
    if (rng.uniform() >= GENDER_MISSING) s.text(GENDER_BYTES[rng.pick(pr.genderWeights)]!);
    s.comma();
    const place = this.geography.draw(rng, pr.domesticShare);
    s.text(place.country).comma().text(place.region).comma().text(place.city).comma();
    this.channel = rng.pick(pr.acquisitionWeights);
    s.text(CHANNEL_BYTES[this.channel]!).comma();
    this.consent =
      rng.uniform() < CONSENT_UNKNOWN
        ? Consent.Unknown
        : rng.uniform() < pr.consentRate
          ? Consent.Yes
          : Consent.No;
    if (this.consent !== Consent.Unknown) s.text(this.consent === Consent.Yes ? TRUE : FALSE);
    s.comma();
    s.text(LOWER_C).padded(customer, this.ids.customerWidth).text(EMAIL_DOMAIN);
    s.end();
  }
}
