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

/** A member of the public's comment, reply or mention (postId "" for a mention outside our posts). */
export interface SandboxComment {
  id: string;
  postId: string;
  text: string;
  hidden: boolean;
  deleted: boolean;
  author?: string;
  kind?: PublicReplyKind;
  createdAt?: string;
  url?: string;
  /** Platform specifics: a cid, the chat it was written in ... */
  data?: Record<string, unknown>;
}

export type PublicReplyKind = "reply" | "mention" | "quote";

/** What a test or the demo asks a stand-in to produce: the public answering one of our posts. */
export interface PublicReplyInput {
  /** Our post's id on the stand-in; the newest live post when absent. */
  postId?: string;
  author?: string;
  text: string;
  kind?: PublicReplyKind;
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

  /** The post a public reply answers: the one named, or our newest live post. */
  replyTarget(postId?: string): SandboxPost | undefined {
    if (postId) return this.findPost(postId);
    return this.livePosts().at(-1);
  }

  addComment(comment: Omit<SandboxComment, "hidden" | "deleted" | "createdAt">): SandboxComment {
    const stored: SandboxComment = {
      hidden: false,
      deleted: false,
      createdAt: new Date(this.now()).toISOString(),
      ...comment,
    };
    this.comments.push(stored);
    return stored;
  }

  findComment(id: string): SandboxComment | undefined {
    return this.comments.find((c) => c.id === id);
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
