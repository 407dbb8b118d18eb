// The @neo4j/graphql side of bench/neo4j_graphql.py: our 诊改 graph, as the Neo4j store writes it, served
// by @neo4j/graphql 7 through Apollo Server's standalone HTTP server, read-only.
//
//   NEO4J_URI=bolt://127.0.0.1:7687 PORT=4000 node server.mjs
//
// What the store writes (zhengai/stores/neo4j_store.py, zhengai/queries/cypher/*.cypher): every record is a
// node labelled :Node and its kind (:Goal, :Metric, …) with its scalar fields as properties (id, name,
// level, …) and `generation`, the load that wrote it; the current generation is ZhengaiMeta{key:'graph'}
// .generation, and a relationship only ever joins two nodes of one generation. A goal SUPPORTS the goals
// above it, (child:Goal)-[:SUPPORTS {weight}]->(parent:Goal), and is MEASURED_BY its metrics,
// (goal:Goal)-[:MEASURED_BY {weight}]->(metric:Metric). `attainment` and `status` on a node are what
// `zhengai load` and every write keep there for today's date (derived; @neo4j/graphql reads them, it
// cannot compute them, nor at another date). The root fields read every generation unless the query
// filters on `generation` (the benchmark passes the current one: `where: {generation: {eq: G}}`).
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { Neo4jGraphQL } from "@neo4j/graphql";
import neo4j from "neo4j-driver";

const typeDefs = /* GraphQL */ `
  extend schema @mutation(operations: [])

  type Goal @node(labels: ["Goal", "Node"]) {
    id: ID!
    name: String!
    level: String!
    generation: Int!
    attainment: Float
    status: String
    parents: [Goal!]! @relationship(type: "SUPPORTS", direction: OUT)
    children: [Goal!]! @relationship(type: "SUPPORTS", direction: IN)
    metrics: [Metric!]! @relationship(type: "MEASURED_BY", direction: OUT)
  }

  type Metric @node(labels: ["Metric", "Node"]) {
    id: ID!
    name: String!
    generation: Int!
    unit: String
    target: Float!
    attainment: Float
    status: String
    goals: [Goal!]! @relationship(type: "MEASURED_BY", direction: IN)
  }
`;

const uri = process.env.NEO4J_URI ?? "bolt://127.0.0.1:7687";
const user = process.env.NEO4J_USER;
const auth = user ? neo4j.auth.basic(user, process.env.NEO4J_PASSWORD ?? "") : undefined;
const driver = neo4j.driver(uri, auth);
const database = process.env.NEO4J_DATABASE ?? "neo4j";

const schema = await new Neo4jGraphQL({ typeDefs, driver }).getSchema();
const server = new ApolloServer({ schema, introspection: false });
const port = Number(process.env.PORT ?? 4000);
const { url } = await startStandaloneServer(server, {
  listen: { port, host: "127.0.0.1" },
  context: async () => ({ sessionConfig: { database } }),
});
console.log(`@neo4j/graphql on ${url} (Neo4j ${uri})`);

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, async () => {
    await server.stop();
    await driver.close();
    process.exit(0);
  });
}
