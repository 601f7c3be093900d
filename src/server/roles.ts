/**
 * Roles of API tokens, from least to most: a viewer sees aggregates only; an analyst also member
 * lists, exports and comparisons; an admin also manages tokens and erases customers.
 */
export const ROLES = ['viewer', 'analyst', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** What a request may do, by the least role that may do it. */
export const CAPABILITIES = {
  /** Segment × KPI tables, trends, cohorts, migration, models, quality, alerts, recommendations. */
  aggregates: 'viewer',
  /** Customer-level data: member lists, activation exports, comparisons over chosen customers. */
  members: 'analyst',
  /** Tokens and erasure. */
  admin: 'admin',
} as const satisfies Record<string, Role>;
export type Capability = keyof typeof CAPABILITIES;

/** Whether `role` may use `capability`. */
export function allows(role: Role, capability: Capability): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(CAPABILITIES[capability]);
}

export function isRole(v: string): v is Role {
  return (ROLES as readonly string[]).includes(v);
}
