import type { Rng } from '../core/rng.js';
import { encode } from './csv-sink.js';

/** One place customers live, with its relative weight inside its market. */
interface Place {
  country: string;
  region: string;
  city: string;
  weight: number;
}

/** The home market: a GBP retailer, so the United Kingdom, weighted roughly by population. */
const DOMESTIC: readonly Place[] = [
  { country: 'United Kingdom', region: 'London', city: 'London', weight: 13 },
  { country: 'United Kingdom', region: 'South East', city: 'Brighton', weight: 4 },
  { country: 'United Kingdom', region: 'South East', city: 'Reading', weight: 3 },
  { country: 'United Kingdom', region: 'South East', city: 'Oxford', weight: 2.5 },
  { country: 'United Kingdom', region: 'North West', city: 'Manchester', weight: 6 },
  { country: 'United Kingdom', region: 'North West', city: 'Liverpool', weight: 4 },
  { country: 'United Kingdom', region: 'West Midlands', city: 'Birmingham', weight: 8 },
  { country: 'United Kingdom', region: 'Yorkshire and the Humber', city: 'Leeds', weight: 4.5 },
  { country: 'United Kingdom', region: 'Yorkshire and the Humber', city: 'Sheffield', weight: 3.5 },
  { country: 'United Kingdom', region: 'East of England', city: 'Cambridge', weight: 3 },
  { country: 'United Kingdom', region: 'East of England', city: 'Norwich', weight: 2.5 },
  { country: 'United Kingdom', region: 'South West', city: 'Bristol', weight: 4.5 },
  { country: 'United Kingdom', region: 'South West', city: 'Exeter', weight: 2 },
  { country: 'United Kingdom', region: 'East Midlands', city: 'Nottingham', weight: 3.5 },
  { country: 'United Kingdom', region: 'East Midlands', city: 'Leicester', weight: 3 },
  { country: 'United Kingdom', region: 'North East', city: 'Newcastle upon Tyne', weight: 3.5 },
  { country: 'United Kingdom', region: 'Scotland', city: 'Edinburgh', weight: 4 },
  { country: 'United Kingdom', region: 'Scotland', city: 'Glasgow', weight: 4.5 },
  { country: 'United Kingdom', region: 'Wales', city: 'Cardiff', weight: 4 },
  { country: 'United Kingdom', region: 'Northern Ireland', city: 'Belfast', weight: 2.5 },
];

/** Customers abroad. */
const INTERNATIONAL: readonly Place[] = [
  { country: 'Ireland', region: 'Leinster', city: 'Dublin', weight: 6 },
  { country: 'Ireland', region: 'Munster', city: 'Cork', weight: 2 },
  { country: 'France', region: 'Île-de-France', city: 'Paris', weight: 4 },
  { country: 'Germany', region: 'Berlin', city: 'Berlin', weight: 3 },
  { country: 'Germany', region: 'Bavaria', city: 'Munich', weight: 2 },
  { country: 'Netherlands', region: 'North Holland', city: 'Amsterdam', weight: 3 },
  { country: 'Spain', region: 'Madrid', city: 'Madrid', weight: 2 },
  { country: 'United States', region: 'New York', city: 'New York', weight: 3 },
  { country: 'United States', region: 'California', city: 'Los Angeles', weight: 2 },
];

/** Share of customers whose city is not recorded (city is optional in the canonical table). */
const CITY_MISSING = 0.15;

/** A place drawn for a customer, as pre-encoded CSV fields. */
export interface EncodedPlace {
  country: Uint8Array;
  region: Uint8Array;
  city: Uint8Array;
}

const EMPTY = new Uint8Array(0);

/** Draws countries, regions and cities; the CSV bytes of every place are encoded once. */
export class Geography {
  private readonly domestic = DOMESTIC.map(encodePlace);
  private readonly international = INTERNATIONAL.map(encodePlace);
  private readonly domesticWeights = DOMESTIC.map((p) => p.weight);
  private readonly internationalWeights = INTERNATIONAL.map((p) => p.weight);
  private readonly noCity: EncodedPlace = { country: EMPTY, region: EMPTY, city: EMPTY };

  /**
   * Draws a place: domestic with probability `domesticShare`. The returned object is shared
   * scratch (valid until the next call), so drawing allocates nothing.
   */
  draw(rng: Rng, domesticShare: number): EncodedPlace {
    const home = rng.uniform() < domesticShare;
    const place = home
      ? this.domestic[rng.pick(this.domesticWeights)]!
      : this.international[rng.pick(this.internationalWeights)]!;
    if (rng.uniform() >= CITY_MISSING) return place;
    this.noCity.country = place.country;
    this.noCity.region = place.region;
    return this.noCity;
  }
}

function encodePlace(p: Place): EncodedPlace {
  return { country: encode(p.country), region: encode(p.region), city: encode(p.city) };
}
