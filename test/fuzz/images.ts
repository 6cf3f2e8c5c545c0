// The fixed table of image references the fuzzers draw from. Each image has
// several spellings that the module must coalesce, so the reference model
// gets the normalized form of every reference from this table and never
// normalizes anything itself.

const BUSYBOX_DIGEST = "sha256:" + "0123456789abcdef".repeat(4);

/** One image: its normalized reference and the spellings that must map to it. */
export interface TableImage {
  canonical: string;
  spellings: readonly string[];
}

export const IMAGE_TABLE: readonly TableImage[] = [
  {
    canonical: "docker.io/library/nginx:latest",
    spellings: [
      "nginx",
      "nginx:latest",
      "library/nginx",
      "docker.io/nginx",
      "docker.io/library/nginx",
      "docker.io/library/nginx:latest",
      "index.docker.io/library/nginx",
      "index.docker.io/library/nginx:latest",
    ],
  },
  {
    canonical: "docker.io/library/nginx:1.25",
    spellings: ["nginx:1.25", "docker.io/library/nginx:1.25", "index.docker.io/library/nginx:1.25"],
  },
  {
    canonical: `docker.io/library/busybox@${BUSYBOX_DIGEST}`,
    spellings: [
      `busybox@${BUSYBOX_DIGEST}`,
      `busybox:1.36@${BUSYBOX_DIGEST}`,
      `docker.io/library/busybox@${BUSYBOX_DIGEST}`,
    ],
  },
  {
    canonical: "docker.io/bitnami/redis:7.2",
    spellings: ["bitnami/redis:7.2", "docker.io/bitnami/redis:7.2", "index.docker.io/bitnami/redis:7.2"],
  },
  { canonical: "quay.io/calico/node:v3.26", spellings: ["quay.io/calico/node:v3.26"] },
  { canonical: "registry.k8s.io/pause:3.9", spellings: ["registry.k8s.io/pause:3.9"] },
  { canonical: "registry.k8s.io/etcd:3.5.9-0", spellings: ["registry.k8s.io/etcd:3.5.9-0"] },
  { canonical: "localhost:5000/app:dev", spellings: ["localhost:5000/app:dev"] },
  { canonical: "localhost/tools:latest", spellings: ["localhost/tools", "localhost/tools:latest"] },
  { canonical: "ghcr.io/org/tool:latest", spellings: ["ghcr.io/org/tool", "ghcr.io/org/tool:latest"] },
  { canonical: "docker.io/library/alpine:3.19", spellings: ["alpine:3.19", "docker.io/alpine:3.19", "docker.io/library/alpine:3.19"] },
];

/**
 * A family of 40 more images, so that queues grow past the few images above
 * and the module's heap gets some depth. Each has three spellings.
 */
export const IMAGE_FAMILY: readonly TableImage[] = Array.from({ length: 40 }, (_, k) => ({
  canonical: `docker.io/team/app-${k}:latest`,
  spellings: [`team/app-${k}`, `docker.io/team/app-${k}`, `index.docker.io/team/app-${k}:latest`],
}));

/**
 * Non-empty references that the distribution grammar rejects, so enqueue
 * fails with ERR_INVALID_REFERENCE: an uppercase path, an empty tag, a short
 * sha256 digest, a leading separator, an empty path component, a space and a
 * non-ASCII tag.
 */
export const INVALID_REFERENCES: readonly string[] = [
  "Nginx",
  "nginx:",
  "nginx@sha256:abc",
  "-nginx",
  "docker.io//nginx",
  "ngi nx",
  "nginx:tägs",
];

const canonicalBySpelling = new Map<string, string | null>();
for (const image of [...IMAGE_TABLE, ...IMAGE_FAMILY]) {
  for (const spelling of image.spellings) canonicalBySpelling.set(spelling, image.canonical);
}
for (const reference of INVALID_REFERENCES) canonicalBySpelling.set(reference, null);

/**
 * Returns the normalized form of a table reference, or null for one of
 * INVALID_REFERENCES. Throws for any other string, because the model cannot
 * normalize references it was not given.
 */
export function canonicalReference(reference: string): string | null {
  const canonical = canonicalBySpelling.get(reference);
  if (canonical === undefined) throw new Error(`reference ${JSON.stringify(reference)} is not in the fuzz image table`);
  return canonical;
}

/** Every valid spelling in the table. */
export const VALID_SPELLINGS: readonly string[] = IMAGE_TABLE.flatMap((image) => image.spellings);

/** Every spelling of the image family. */
export const FAMILY_SPELLINGS: readonly string[] = IMAGE_FAMILY.flatMap((image) => image.spellings);
