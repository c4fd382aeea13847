import type { MediaService } from '../media/media-service';
import type { Loaders } from './loaders';
import type { ResponseBudget } from './response-budget';

/** What every resolver gets: the media service, this request's DataLoaders and its response budget. */
export interface GraphQLContext {
  media: MediaService;
  loaders: Loaders;
  budget: ResponseBudget;
}
