-- row: revenue_365d >= 1000 and orders_365d >= 5
(("revenue_365d" >= 1000) AND ("orders_365d" >= 5))

-- row: country in ('GB', 'FR') or country like 'D%'
(("country" IN ('GB', 'FR')) OR ("country" LIKE 'D%'))

-- row: first_order_at between '2024-01-01' and date '2024-12-31'
("first_order_at" BETWEEN CAST('2024-01-01' AS DATE) AND CAST('2024-12-31' AS DATE))

-- row: round(revenue_365d / orders_365d, 2) > least(abs(revenue_365d), 50)
(ROUND(("revenue_365d" / NULLIF("orders_365d", 0)), 2) > LEAST(ABS("revenue_365d"), 50))

-- row: coalesce(lower(country), upper(country)) = 'gb'
(COALESCE(LOWER("country"), UPPER("country")) = 'gb')

-- row: log10(revenue_365d) + exp(orders_365d) - ceil(revenue_365d) + floor(revenue_365d) > 2
((((LOG10(NULLIF(GREATEST("revenue_365d", 0), 0)) + EXP("orders_365d")) - CEIL("revenue_365d")) + FLOOR("revenue_365d")) > 2)

-- row: days_between(first_order_at, last_order_at) > 30 or last_order_at is null
((DATE_DIFF('day', CAST("first_order_at" AS DATE), CAST("last_order_at" AS DATE)) > 30) OR ("last_order_at" IS NULL))

-- row: case when consent_marketing then length(country) else -1 end > 2
(CASE WHEN "consent_marketing" THEN LENGTH("country") ELSE -1 END > 2)

-- aggregate: avg(case when revenue_365d >= 1000 then 1 else 0 end)
AVG(CASE WHEN "revenue_365d" >= 1000 THEN 1 ELSE 0 END)

-- aggregate: sum(revenue_365d) / count(*)
(SUM("revenue_365d") / NULLIF(COUNT(*), 0))

-- aggregate: median(revenue_365d) + max(orders_365d) - min(orders_365d) + count(country)
(((MEDIAN("revenue_365d") + MAX("orders_365d")) - MIN("orders_365d")) + COUNT("country"))

-- aggregate: share(revenue_365d > 100 and consent_marketing) * 100
(AVG(CASE WHEN (("revenue_365d" > 100) AND "consent_marketing") THEN 1.0 ELSE 0.0 END) * 100)

-- aggregate: greatest(max(first_order_at), max(last_order_at))
GREATEST(MAX("first_order_at"), MAX("last_order_at"))
