// Goals at $level (or any) whose unit — the owner, else the subject's unit — is $unit or below it.
MATCH (g:Goal)
WHERE $level IS NULL OR g.level = $level
OPTIONAL MATCH (g)-[:OWNED_BY]->(owner:Unit)
OPTIONAL MATCH (g)-[:FOR_SUBJECT]->(:Subject)-[:BELONGS_TO]->(subjectUnit:Unit)
WITH g, coalesce(owner, subjectUnit) AS u
WHERE $unit IS NULL OR (u IS NOT NULL AND EXISTS { (u)-[:PART_OF*0..]->(:Unit {id: $unit}) })
RETURN g.id AS id, g.level AS level
