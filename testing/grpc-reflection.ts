import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";

/**
 * A client that speaks the gRPC server reflection protocol itself (what grpcurl does),
 * from the reflection.proto that ships with @grpc/reflection.
 */
const require = createRequire(import.meta.url);
const protoRoot = join(dirname(require.resolve("@grpc/reflection/package.json")), "build", "proto");

type ReflectionStream = grpc.ClientDuplexStream<Record<string, unknown>, Record<string, unknown>>;
type ReflectionClient = grpc.Client & { ServerReflectionInfo(): ReflectionStream };

function reflectionClient(address: string, version: "v1" | "v1alpha"): ReflectionClient {
  const definition = loadSync(join(protoRoot, "grpc", "reflection", version, "reflection.proto"), {
    keepCase: true,
    includeDirs: [protoRoot],
  });
  const pkg = grpc.loadPackageDefinition(definition) as unknown as {
    grpc: { reflection: Record<string, { ServerReflection: new (a: string, c: grpc.ChannelCredentials) => ReflectionClient }> };
  };
  return new pkg.grpc.reflection[version]!.ServerReflection(address, grpc.credentials.createInsecure());
}

/** One reflection request and its answer. */
async function ask(address: string, version: "v1" | "v1alpha", request: Record<string, unknown>) {
  const client = reflectionClient(address, version);
  try {
    return await new Promise<Record<string, unknown>>((resolve, reject) => {
      const call = client.ServerReflectionInfo();
      call.on("data", (answer: Record<string, unknown>) => {
        resolve(answer);
        call.end();
      });
      call.on("error", reject);
      call.write(request);
    });
  } finally {
    client.close();
  }
}

export async function listServices(address: string, version: "v1" | "v1alpha" = "v1"): Promise<string[]> {
  const answer = await ask(address, version, { list_services: "" });
  const list = answer.list_services_response as { service: { name: string }[] } | undefined;
  if (!list) throw new Error(`unexpected reflection answer: ${JSON.stringify(answer)}`);
  return list.service.map((s) => s.name).sort();
}

/** The serialized FileDescriptorProtos describing a symbol (what grpcurl needs to call it). */
export async function fileContainingSymbol(address: string, symbol: string): Promise<Buffer[]> {
  const answer = await ask(address, "v1", { file_containing_symbol: symbol });
  const files = answer.file_descriptor_response as { file_descriptor_proto: Buffer[] } | undefined;
  if (!files) throw new Error(`unexpected reflection answer: ${JSON.stringify(answer)}`);
  return files.file_descriptor_proto;
}
