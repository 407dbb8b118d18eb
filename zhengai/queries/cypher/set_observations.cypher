// Observations of each metric as parallel arrays sorted by date: obsAt (ISO dates, text: compact
// and fast to write; they compare in date order) and obsValue; values replaced by a new value for
// the same date are appended to obsReplaced ("at=value@when"), the metric's history.
UNWIND $rows AS row
MATCH (m:Node {id: row.metric}) WHERE m:Metric
SET m.obsAt = row.at, m.obsValue = row.value,
    m.obsReplaced = coalesce(m.obsReplaced, []) + coalesce(row.replaced, [])
