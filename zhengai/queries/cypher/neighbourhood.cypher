// Nodes within $depth hops of $root over relationships of $kinds, by breadth-first distance.
// UP follows up-pointing kinds outwards and $down kinds (MEASURED_BY, SPECIFIES) inwards; DOWN the
// reverse; BOTH any. Returns the first $limit nodes by (distance, id), the total, and the
// relationships among the kept nodes. __MAX_HOPS__ is a literal hop bound (Cypher takes no
// parameter there), instantiated 0–10 when the statements are read; no request value is spliced.
MATCH (root:Node {id: $root})
MATCH p = ANY SHORTEST (root) ((a)-[r]-(b)
      WHERE type(r) IN $kinds
        AND ($direction = 'BOTH' OR ((startNode(r) = a) <> (type(r) IN $down)) = ($direction = 'UP'))
      ){0,__MAX_HOPS__} (x)
WITH x, length(p) AS distance
ORDER BY distance, x.id
WITH collect(x) AS reached
WITH reached[..$limit] AS kept, size(reached) AS total
UNWIND kept AS n
RETURN total, n.id AS id, n.kind AS kind, n.json AS json,
       [(n)-[r]->(o) WHERE o IN kept AND type(r) IN $kinds | [o.id, type(r), r.weight]] AS out
