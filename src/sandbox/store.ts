// What a stand-in platform received, kept in memory so tests and the /sandbox page can show it.

export interface SandboxPost {
  id: string;
  /** The text as the platform's readers would see it (markup parsed, escapes removed). */
  text: string;
  url: string;
  replyTo?: string;
  createdAt: string;
  edited: boolean;
  deleted: boolean;
  /** Earlier texts, oldest first. */
  revisions: string[];
  /** Platform specifics: link card, facets, container id, idempotency key ... */
  data: Record<string, unknown>;
}

export interface SandboxComment {
  id: string;
  postId: string;
  text: string;
  hidden: boolean;
  deleted: boolean;
}

export interface SandboxRequest {
  method: string;
  path: string;
}

export class PostStore {
  posts: SandboxPost[] = [];
  comments: SandboxComment[] = [];
  requests: SandboxRequest[] = [];

  constructor(private readonly now: () => number) {}

  addPost(post: Pick<SandboxPost, "id" | "text" | "url"> & Partial<SandboxPost>): SandboxPost {
    const stored: SandboxPost = {
      createdAt: new Date(this.now()).toISOString(),
      edited: false,
      deleted: false,
      revisions: [],
      data: {},
      ...post,
    };
    this.posts.push(stored);
    return stored;
  }

  findPost(id: string): SandboxPost | undefined {
    return this.posts.find((p) => p.id === id);
  }

  livePosts(): SandboxPost[] {
    return this.posts.filter((p) => !p.deleted);
  }

  editPost(post: SandboxPost, text: string): void {
    post.revisions.push(post.text);
    post.text = text;
    post.edited = true;
  }

  recordRequest(method: string, path: string): void {
    this.requests.push({ method, path });
  }

  snapshot() {
    return structuredClone({ posts: this.posts, comments: this.comments, requests: this.requests });
  }

  clear(): void {
    this.posts = [];
    this.comments = [];
    this.requests = [];
  }
}
