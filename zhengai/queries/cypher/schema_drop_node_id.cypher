// Before generations (issue 17): ids were unique over all :Node nodes, which two generations break.
DROP CONSTRAINT zhengai_node_id IF EXISTS
