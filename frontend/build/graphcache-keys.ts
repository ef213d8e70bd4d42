// A GraphQL Code Generator plugin: the object types of the schema without an `id` field. graphcache can
// key an object only by its id, so the client stores these inside their parent (`keys: () => null`);
// deriving the list from schema.graphql keeps it right when the gateway adds a payload or a record.
import type { GraphQLNamedType, GraphQLObjectType, GraphQLSchema } from "graphql";

// Tested by its tag, not `isObjectType`: the generator may load a second copy of graphql-js.
function isObjectType(type: GraphQLNamedType): type is GraphQLObjectType {
  return Object.prototype.toString.call(type) === "[object GraphQLObjectType]";
}

export function plugin(schema: GraphQLSchema): string {
  const roots = new Set(
    [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].map((type) => type?.name),
  );
  const names = Object.values(schema.getTypeMap())
    .filter(isObjectType)
    .filter((type) => !type.name.startsWith("__") && !roots.has(type.name) && !("id" in type.getFields()))
    .map((type) => type.name)
    .sort();
  return [
    "/** The schema's object types without an `id` field (build/graphcache-keys.ts). */",
    `export const TYPES_WITHOUT_ID = ${JSON.stringify(names, null, 2)} as const;`,
    "",
  ].join("\n");
}
