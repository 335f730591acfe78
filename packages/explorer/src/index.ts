export type { ExplorerEndpoint, MeshDiscovery } from './endpoint.js'
export { ExplorerError } from './errors.js'
export { contentTypeOf } from './mimeTypes.js'
export {
  DEFAULT_APP_DIR,
  type ExplorerServer,
  type ExplorerServerOptions,
  startExplorerServer,
} from './server.js'
