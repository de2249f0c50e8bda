import { isFullDataSource, isFullPage, type DataSourceObjectResponse, type PageObjectResponse } from '@notionhq/client';
import type { Logger } from 'pino';
import { notionStatus, type NotionApi } from './notion-api.ts';
import { dataSourceTitle } from './notion-listing.ts';
import { describeProperties } from './page-properties.ts';
import { errorMessage } from '../../rag/errors.ts';

// Names for metadata: who created a page and what it sits under. Notion hands out ids; names cost one request
// per distinct user or parent, so they are cached for the sync (and parents listed in this sync cost nothing).

type User = PageObjectResponse['created_by'];
type Parent = PageObjectResponse['parent'];

export class NotionNames {
  private readonly users = new Map<string, Promise<string>>();
  private readonly parents = new Map<string, Promise<string>>();
  /** Set when Notion refuses user lookups (an integration without the user-information capability). */
  private usersRefused = false;

  constructor(
    private readonly api: NotionApi,
    private readonly log: Logger,
    private readonly known: { pages: Map<string, PageObjectResponse>; dataSources: Map<string, DataSourceObjectResponse> },
  ) {}

  /** The user's name, or '' when Notion will not say. */
  userName(user: User, signal: AbortSignal): Promise<string> {
    if ('name' in user && typeof user.name === 'string') return Promise.resolve(user.name);
    if (this.usersRefused) return Promise.resolve('');
    let name = this.users.get(user.id);
    if (!name) {
      name = this.api.retrieveUser(user.id, signal).then(
        (full) => full.name ?? '',
        (error: unknown) => {
          signal.throwIfAborted();
          if (notionStatus(error) === 403) {
            this.usersRefused = true;
            this.log.info({ err: errorMessage(error) }, 'Notion user names are not available to this integration: pages have no author');
          } else {
            this.log.debug({ userId: user.id, err: errorMessage(error) }, 'Notion user not readable');
          }
          return '';
        },
      );
      this.users.set(user.id, name);
    }
    return name;
  }

  /** The title of the page or data source a page sits under; '' at the top of the workspace or when unknown. */
  parentName(parent: Parent, signal: AbortSignal): Promise<string> {
    if (parent.type === 'page_id') return this.cached(parent.page_id, () => this.pageTitle(parent.page_id, signal));
    if (parent.type === 'data_source_id') return this.cached(parent.data_source_id, () => this.dataSourceName(parent.data_source_id, signal));
    return Promise.resolve('');
  }

  private cached(id: string, lookup: () => Promise<string>): Promise<string> {
    let name = this.parents.get(id);
    if (!name) {
      name = lookup();
      this.parents.set(id, name);
    }
    return name;
  }

  private async pageTitle(id: string, signal: AbortSignal): Promise<string> {
    const known = this.known.pages.get(id);
    if (known) return describeProperties(known.properties).title;
    try {
      const page = await this.api.retrievePage(id, signal);
      return isFullPage(page) ? describeProperties(page.properties).title : '';
    } catch (error) {
      signal.throwIfAborted();
      this.log.debug({ pageId: id, err: errorMessage(error) }, 'parent page not readable');
      return '';
    }
  }

  private async dataSourceName(id: string, signal: AbortSignal): Promise<string> {
    const known = this.known.dataSources.get(id);
    if (known) return dataSourceTitle(known);
    try {
      const dataSource = await this.api.retrieveDataSource(id, signal);
      return isFullDataSource(dataSource) ? dataSourceTitle(dataSource) : '';
    } catch (error) {
      signal.throwIfAborted();
      this.log.debug({ dataSourceId: id, err: errorMessage(error) }, 'parent data source not readable');
      return '';
    }
  }
}
