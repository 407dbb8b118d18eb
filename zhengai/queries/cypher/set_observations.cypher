// Observations of each metric as parallel arrays, sorted by date: obsAt (Date), obsValue.
UNWIND $rows AS row
MATCH (m:Metric {id: row.metric})
SET m.obsAt = row.at, m.obsValue = row.value
