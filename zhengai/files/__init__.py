"""佐证材料 files: their type sniffed from the bytes (:mod:`.sniff`) and their content kept by sha256 in a
folder (:mod:`.blobs`) or an S3-compatible bucket (:mod:`.s3`); the metadata lives in the graph's event
streams (zhengai.engine.attachments)."""
