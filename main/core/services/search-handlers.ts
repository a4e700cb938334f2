import type { SearchIndexer } from '../../search/search-indexer.js';
import { indexingFigure, searchMessages } from '../../search/search-service.js';
import type { Handlers } from '../api/handlers.js';
import type { ProfileManager } from '../profile/profile-manager.js';

type SearchHandlers = Pick<Handlers, 'search.messages'>;

export function searchHandlers(profiles: ProfileManager, indexer: SearchIndexer): SearchHandlers {
  return {
    'search.messages': async ({ query, order, limit, cursor, accountId, catchUp }) => {
      if (catchUp) await indexer.catchUp();
      const repository = profiles.requireStore().search;
      const page = searchMessages(repository, { query, order, limit, cursor, accountId });
      return { ...page, indexing: indexingFigure(repository.progress()) };
    },
  };
}
