import path from 'node:path';
import { Router } from 'express';

/** Where the GraphiQL assets are served from; all of them come from node_modules, no CDN. */
const ASSET_PATH = '/graphiql-assets';

/** A file inside an installed package, found through its package.json (the UMD builds are not in `exports`). */
const packageFile = (pkg: string, file: string) =>
  path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file);

/**
 * The subgraph's icon: a picture frame, in SVG (every browser GraphiQL runs in
 * takes one), kept here so that the build has no asset to copy.
 */
const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">
<rect x="2" y="5" width="28" height="22" rx="3" fill="#1f2937"/>
<rect x="5" y="8" width="22" height="16" rx="1" fill="#f8fafc"/>
<circle cx="11" cy="13" r="2.5" fill="#f59e0b"/>
<path d="M6 23l7-7 4 4 3-3 6 6z" fill="#10b981"/>
</svg>
`;
const FAVICON_PATH = `${ASSET_PATH}/favicon.svg`;

const ASSETS: Record<string, string> = {
  'react.js': packageFile('react', 'umd/react.production.min.js'),
  'react-dom.js': packageFile('react-dom', 'umd/react-dom.production.min.js'),
  'graphiql.js': packageFile('graphiql', 'graphiql.min.js'),
  'graphiql.css': packageFile('graphiql', 'graphiql.min.css'),
};

/**
 * The document GraphiQL opens with: the README's walkthrough (product 42) in
 * operations to run one by one, each filled in where it can be, else naming
 * what to paste.
 */
const DEFAULT_QUERY = `# product-media: images and files of products. Run the operations one by one
# (the play button lists them). Product 42 is the one the README's walkthrough
# uploads to; paste ids from ProductMedia where an operation asks for one.
query Providers {
  mediaProviders { provider configured isDefault capabilities }
}

query ProductMedia {
  productMedia(productId: "42") {
    id
    thumbnail { id url }
    images {
      id status url width height alt ordering variants { kind url }
      # What a storefront's <img> needs: a 640-wide WebP, a srcset, a placeholder.
      src: url(transform: {maxWidth: 640, format: WEBP})
      srcSet(format: WEBP)
      thumbhash
    }
    files { id fileName byteSize downloadUrl }
  }
}

# Step 1 of an upload: a signed URL. PUT the bytes to upload.url with the headers
# it names (curl -X PUT "<url>" -H 'Content-Type: image/png' --data-binary @photo.png),
# then run ProductMedia again. GraphiQL itself cannot send a file.
mutation RequestImageUpload {
  requestImageUpload(input: { productId: "42", contentType: "image/png", alt: "Front view" }) {
    image { id status }
    upload { url method headers { name value } expiresAt }
    userErrors { code message field }
  }
}

# Where bytes went straight to storage (Dodo, or S3 direct uploads), this says they arrived.
mutation ConfirmImageUpload {
  confirmImageUpload(input: { id: "<the image id from RequestImageUpload>" }) {
    image { id status failureReason }
    userErrors { code message field }
  }
}

mutation RequestFileUpload {
  requestFileUpload(input: { productId: "42", fileName: "manual.pdf", contentType: "application/pdf" }) {
    file { id status }
    upload { url method headers { name value } expiresAt }
    userErrors { code message field }
  }
}

mutation ConfirmFileUpload {
  confirmFileUpload(input: { id: "<the file id from RequestFileUpload>" }) {
    file { id status failureReason }
    userErrors { code message field }
  }
}

mutation UpdateImage {
  updateImage(input: { id: "<an image id of product 42>", alt: "Side view", enabled: true }) {
    image { id alt enabled ordering }
    userErrors { code message field }
  }
}

mutation SetThumbnail {
  setThumbnail(input: { imageId: "<an image id of product 42>" }) {
    product { thumbnail { id url } }
    userErrors { code message field }
  }
}

mutation ReorderImages {
  reorderImages(input: { productId: "42", imageIds: ["<an image id of product 42>", "<another>"] }) {
    product { images { id ordering } }
    userErrors { code message field }
  }
}

mutation DeleteImage {
  deleteImage(input: { id: "<an image id of product 42>" }) {
    deletedImageId
    product { images { id } }
    userErrors { code message field }
  }
}

mutation DeleteFile {
  deleteFile(input: { id: "<a file id of product 42>" }) {
    deletedFileId
    userErrors { code message field }
  }
}
`;

function page(endpoint: string, defaultQuery: string): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>product-media GraphiQL</title>
  <link rel="icon" type="image/svg+xml" href="${FAVICON_PATH}">
  <link rel="stylesheet" href="${ASSET_PATH}/graphiql.css">
  <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script src="${ASSET_PATH}/react.js"></script>
  <script src="${ASSET_PATH}/react-dom.js"></script>
  <script src="${ASSET_PATH}/graphiql.js"></script>
  <script>
    const fetcher = GraphiQL.createFetcher({ url: ${JSON.stringify(endpoint)} });
    ReactDOM.createRoot(document.getElementById('graphiql')).render(
      React.createElement(GraphiQL, { fetcher, defaultQuery: ${JSON.stringify(defaultQuery)}, defaultEditorToolsVisibility: true }),
    );
  </script>
</body>
</html>`;
}

/**
 * A GraphiQL page at `GET /graphql` for browsers, working with no internet
 * access (Apollo's default landing page loads from a CDN), its icon, and
 * `GET /`, which points to it. Other GETs of `/graphql`, such as
 * GraphQL-over-GET queries, go on to Apollo Server.
 */
export function graphiqlRouter(endpoint = '/graphql', defaultQuery = DEFAULT_QUERY): Router {
  const router = Router({ caseSensitive: true });
  router.get(endpoint, (req, res, next) => {
    if (req.query.query !== undefined || req.accepts(['application/json', 'text/html']) !== 'text/html') {
      next();
      return;
    }
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache');
    res.send(page(endpoint, defaultQuery));
  });
  // Browsers ask for /favicon.ico whatever the page names, so both answer the icon.
  for (const iconPath of [FAVICON_PATH, '/favicon.ico']) {
    router.get(iconPath, (_req, res) => {
      res.setHeader('Content-Type', 'image/svg+xml');
      res.setHeader('Cache-Control', 'public, max-age=86400');
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.send(FAVICON_SVG);
    });
  }
  // `GET /`: a person who opens the bare address lands in GraphiQL; a program is told where things are.
  router.get('/', (req, res) => {
    res.vary('Accept');
    if (req.accepts(['application/json', 'text/html']) === 'text/html') {
      res.redirect(302, endpoint);
      return;
    }
    res.json({ graphql: endpoint, health: '/healthz', readiness: '/readyz' });
  });
  for (const [name, file] of Object.entries(ASSETS)) {
    router.get(`${ASSET_PATH}/${name}`, (_req, res) => {
      res.sendFile(path.resolve(file), { maxAge: '1d', headers: { 'X-Content-Type-Options': 'nosniff' } });
    });
  }
  return router;
}
