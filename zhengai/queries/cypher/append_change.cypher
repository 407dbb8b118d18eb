// One accepted change set, kept for the replicas that follow the graph (written in its transaction).
CREATE (:ChangeLog {seq: $seq, json: $json, at: datetime()})
