import type { SearchIndexer } from '../../search/search-indexer.js';
import { emailVisibilityOf } from '../../../common/rbac/evaluate.js';
import { searchColumnsFor } from '../../search/search-query.js';
import { indexingFigure, searchMessages } from '../../search/search-service.js';
import type { Handlers } from '../api/handlers.js';
import type { ProfileManager } from '../profile/profile-manager.js';

type SearchHandlers = Pick<Handlers, 'search.messages' | 'search.indexing'>;

export function searchHandlers(profiles: ProfileManager, indexer: SearchIndexer): SearchHandlers {
  return {
    'search.messages': async ({ query, order, limit, cursor, accountId, catchUp }, { policy }) => {
      if (catchUp) await indexer.catchUp();
      const repository = profiles.requireStore().search;
      const columns = policy ? searchColumnsFor(emailVisibilityOf(policy)) : undefined;
      const page = searchMessages(repository, { query, order, limit, cursor, accountId, columns });
      return { ...page, indexing: indexingFigure(repository.progress()) };
    },
    'search.indexing': async () => indexingFigure(profiles.requireStore().search.progress()),
  };
}
