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

/** A file uploaded to a stand-in before the post that carries it (Mastodon media, a Bluesky blob ...). */
export interface SandboxMedia {
  id: string;
  type: string;
  size: number;
  /** The alt text as the platform stored it, once it has one. */
  alt?: string;
}

export interface SandboxRequest {
  method: string;
  path: string;
}

export class PostStore {
  posts: SandboxPost[] = [];
  comments: SandboxComment[] = [];
  requests: SandboxRequest[] = [];
  media: SandboxMedia[] = [];

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

  addMedia(media: SandboxMedia): SandboxMedia {
    this.media.push(media);
    return media;
  }

  findMedia(id: string): SandboxMedia | undefined {
    return this.media.find((m) => m.id === id);
  }

  recordRequest(method: string, path: string): void {
    this.requests.push({ method, path });
  }

  snapshot() {
    return structuredClone({
      posts: this.posts,
      comments: this.comments,
      requests: this.requests,
      media: this.media,
    });
  }

  clear(): void {
    this.posts = [];
    this.comments = [];
    this.requests = [];
    this.media = [];
  }
}
