import path from 'node:path';
import { Router } from 'express';

/** Where the GraphiQL assets are served from; all of them come from node_modules, no CDN. */
const ASSET_PATH = '/graphiql-assets';

/** A file inside an installed package, found through its package.json (the UMD builds are not in `exports`). */
const packageFile = (pkg: string, file: string) =>
  path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file);

const ASSETS: Record<string, string> = {
  'react.js': packageFile('react', 'umd/react.production.min.js'),
  'react-dom.js': packageFile('react-dom', 'umd/react-dom.production.min.js'),
  'graphiql.js': packageFile('graphiql', 'graphiql.min.js'),
  'graphiql.css': packageFile('graphiql', 'graphiql.min.css'),
};

const DEFAULT_QUERY = `# product-media: images and files of products.
# Try: list the providers, then look at a product's media; then put its
# images in a new order, or delete one (paste ids from ProductMedia).
query Providers {
  mediaProviders {
    provider
    configured
    isDefault
    capabilities
  }
}

query ProductMedia {
  productMedia(productId: "1") {
    id
    thumbnail { url }
    images {
      id status url width height variants { kind url }
      # What a storefront's <img> needs: a 640-wide WebP, a srcset, a placeholder.
      src: url(transform: {maxWidth: 640, format: WEBP})
      srcSet(format: WEBP)
      thumbhash
    }
    files { fileName downloadUrl }
  }
}

mutation ReorderImages {
  reorderImages(input: { productId: "1", imageIds: ["<an image id of product 1>"] }) {
    product { images { id ordering } }
    userErrors { code message field }
  }
}

mutation DeleteImage {
  deleteImage(input: { id: "<an image id>" }) {
    deletedImageId
    product { images { id } }
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
 * access (Apollo's default landing page loads from a CDN). Other GETs of
 * `/graphql`, such as GraphQL-over-GET queries, go on to Apollo Server.
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
  for (const [name, file] of Object.entries(ASSETS)) {
    router.get(`${ASSET_PATH}/${name}`, (_req, res) => {
      res.sendFile(path.resolve(file), { maxAge: '1d', headers: { 'X-Content-Type-Options': 'nosniff' } });
    });
  }
  return router;
}
