import type { MediaService } from '../media/media-service';
import type { Loaders } from './loaders';

/** What every resolver gets: the media service and this request's DataLoaders. */
export interface GraphQLContext {
  media: MediaService;
  loaders: Loaders;
}
