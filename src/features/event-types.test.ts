import { describe, expect, it } from 'vitest';
import { groupEventTypes, sanitizeEventType } from './event-types.js';

describe('event type column names', () => {
  it('sanitises to [a-z0-9_]', () => {
    expect(sanitizeEventType('visit')).toBe('visit');
    expect(sanitizeEventType('Add to Cart')).toBe('add_to_cart');
    expect(sanitizeEventType('  Page-View!! ')).toBe('page_view');
    expect(sanitizeEventType('Café Visit')).toBe('cafe_visit');
    expect(sanitizeEventType('e-mail__open')).toBe('e_mail_open');
    expect(sanitizeEventType('???')).toBe('other');
  });

  it('merges types that sanitise alike, keeps the most frequent names, sorts by name', () => {
    const groups = groupEventTypes(
      [
        { type: 'visit', count: 10 },
        { type: 'Visit', count: 5 },
        { type: 'login', count: 3 },
        { type: 'rare', count: 1 },
        { type: 'Add to cart', count: 7 },
      ],
      3,
    );
    expect(groups).toEqual([
      { name: 'add_to_cart', raw: ['Add to cart'] },
      { name: 'login', raw: ['login'] },
      { name: 'visit', raw: ['Visit', 'visit'] },
    ]);
  });
});
