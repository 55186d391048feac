// A gauge for the benchmark: a blob server that takes the same steps as ours for a blob, and
// nothing else, in C, so that no runtime stands between the socket, the file and the hash. Its
// figure is what one lean design reaches on the machine, not a bound on what any could reach. It
// is not a registry and not a model of one. It serves the requests the benchmark's blob
// scenarios make and nothing else:
//
//   POST  /v2/NAME/blobs/uploads/                     202, Location /v2/NAME/blobs/uploads/ID
//   PATCH /v2/NAME/blobs/uploads/ID                   202: appends the body
//   PUT   /v2/NAME/blobs/uploads/ID?digest=sha256:H   201: appends the body, checks the digest,
//                                                     flushes the file, moves it to blobs/H
//   GET   /v2/NAME/blobs/sha256:H                     200: sendfile from blobs/H
//
// The steps it keeps, split over threads much as our server splits them: the body is written to
// a file as it arrives (a second thread), flushed every 16 MiB in the background (a third) and
// hashed with SHA-256 (a fourth); the digest is checked before the blob is moved into place, the
// file and its folder are flushed before the 201, and a failed flush fails the commit. What it
// leaves out: authentication (the Authorization header is ignored), metadata, request limits,
// and every check of its input a real server makes. It listens on 127.0.0.1 only.
//
// Hand-written HTTP on purpose: an HTTP library would add its own costs to the figure this
// program exists to give without any.
//
// Usage: reference-server DATA_DIR   (prints "listening on http://127.0.0.1:PORT")
// Build: cc -O2 -o reference-server reference-server.c -lcrypto -lpthread

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

enum { SLOTS = 8, SLOT_BYTES = 1 << 20, FLUSH_BYTES = 16 << 20, HEAD_BYTES = 16384 };
enum { MAX_UPLOADS = 4096 };

static const char *data_dir;

/**
 * One upload: its file, the running hash of what was written to it, and the thread that flushes
 * it in the background from its start to its commit (across PATCHes, as our server does).
 */
struct upload {
  int fd;
  long long written;
  EVP_MD_CTX *hash;
  sem_t to_flush;
  pthread_t flusher;
  int committing;   /* set by the commit before its last post; read by the flusher */
  int flush_failed; /* a background flush failed: Linux reports that once, so it is kept */
};
static struct upload uploads[MAX_UPLOADS];
static int next_upload = 1;

/** A connection's read buffer: request heads, and the start of a body read with its head. */
struct connection {
  int socket;
  char in[HEAD_BYTES + 1];
  size_t have;
};

/**
 * A body on its way to disk, in three stages on three threads, as our server splits it: the
 * connection's thread fills slots from the socket, a writer thread writes each to the file, a
 * hasher thread hashes it and frees the slot. A zero-length slot ends the body.
 */
struct body {
  char **slot;
  size_t length[SLOTS];
  sem_t free, to_write, to_hash;
  struct upload *upload;
  int write_failed;
};

/** Slot rings kept for the next body: fresh memory is slow to touch on some VMs. */
static char **spare_rings[MAX_UPLOADS];
static int spare_count;
static pthread_mutex_t spare_lock = PTHREAD_MUTEX_INITIALIZER;

static char **take_ring(void) {
  pthread_mutex_lock(&spare_lock);
  char **ring = spare_count > 0 ? spare_rings[--spare_count] : NULL;
  pthread_mutex_unlock(&spare_lock);
  if (ring != NULL) return ring;
  ring = malloc(SLOTS * sizeof *ring);
  for (int i = 0; i < SLOTS; i++) ring[i] = malloc(SLOT_BYTES);
  return ring;
}

static void give_ring(char **ring) {
  pthread_mutex_lock(&spare_lock);
  spare_rings[spare_count++] = ring;
  pthread_mutex_unlock(&spare_lock);
}

static int send_all(int fd, const char *bytes, size_t n) {
  while (n > 0) {
    ssize_t sent = write(fd, bytes, n);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) return -1;
    bytes += sent;
    n -= (size_t)sent;
  }
  return 0;
}

static int respond(int fd, const char *status, const char *headers, long long length) {
  char head[8192];
  int n = snprintf(head, sizeof head, "HTTP/1.1 %s\r\n%sContent-Length: %lld\r\n\r\n", status,
                   headers, length);
  if (n < 0 || (size_t)n >= sizeof head) return -1;
  return send_all(fd, head, (size_t)n);
}

/** Writes each slot to the upload's file, and has the file flushed after every 16 MiB. */
static void *write_slots(void *argument) {
  struct body *body = argument;
  struct upload *u = body->upload;
  for (unsigned i = 0;; i = (i + 1) % SLOTS) {
    sem_wait(&body->to_write);
    size_t n = body->length[i];
    if (n > 0 && !body->write_failed) {
      if (pwrite(u->fd, body->slot[i], n, u->written) != (ssize_t)n) body->write_failed = 1;
      long long before = u->written;
      u->written += (long long)n;
      if (u->written / FLUSH_BYTES != before / FLUSH_BYTES) sem_post(&u->to_flush);
    }
    sem_post(&body->to_hash);
    if (n == 0) return NULL;
  }
}

/**
 * Flushes the file while the body is written, so the flush before the 201 finds little left.
 * Requests that pile up while a flush runs are served by the next one.
 */
static void *flush_upload(void *argument) {
  struct upload *u = argument;
  for (;;) {
    sem_wait(&u->to_flush);
    // Drain first, then look: the commit's post can never be drained unseen.
    while (sem_trywait(&u->to_flush) == 0) continue;
    if (__atomic_load_n(&u->committing, __ATOMIC_ACQUIRE)) return NULL;
    if (fdatasync(u->fd) != 0) u->flush_failed = 1;
  }
}

/** Hashes each slot once written, then frees it for the socket. */
static void *hash_slots(void *argument) {
  struct body *body = argument;
  for (unsigned i = 0;; i = (i + 1) % SLOTS) {
    sem_wait(&body->to_hash);
    size_t n = body->length[i];
    if (n == 0) return NULL;
    EVP_DigestUpdate(body->upload->hash, body->slot[i], n);
    sem_post(&body->free);
  }
}

/**
 * Reads `length` body bytes (the first of them may already be in the connection's buffer) into
 * the upload's file and hash. Returns -1 when the client or the disk failed.
 */
static int receive(struct connection *c, struct upload *u, long long length) {
  struct body body = {.slot = take_ring(), .upload = u};
  sem_init(&body.free, 0, SLOTS);
  sem_init(&body.to_write, 0, 0);
  sem_init(&body.to_hash, 0, 0);
  pthread_t writer, hasher;
  pthread_create(&writer, NULL, write_slots, &body);
  pthread_create(&hasher, NULL, hash_slots, &body);
  int failed = 0;
  unsigned i = 0;
  while (length > 0) {
    sem_wait(&body.free);
    char *slot = body.slot[i];
    size_t fill = 0;
    if (c->have > 0) {
      fill = c->have < (size_t)length ? c->have : (size_t)length;
      memcpy(slot, c->in, fill);
      memmove(c->in, c->in + fill, c->have - fill);
      c->have -= fill;
    }
    while (fill < SLOT_BYTES && (long long)fill < length) {
      size_t want = SLOT_BYTES - fill;
      if ((long long)want > length - (long long)fill) want = (size_t)(length - (long long)fill);
      ssize_t got = read(c->socket, slot + fill, want);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        failed = 1;
        break;
      }
      fill += (size_t)got;
    }
    if (failed) {
      sem_post(&body.free);
      break;
    }
    body.length[i] = fill;
    length -= (long long)fill;
    sem_post(&body.to_write);
    i = (i + 1) % SLOTS;
  }
  sem_wait(&body.free);
  body.length[i] = 0;
  sem_post(&body.to_write);
  pthread_join(writer, NULL);
  pthread_join(hasher, NULL);
  give_ring(body.slot);
  return failed || body.write_failed ? -1 : 0;
}

static struct upload *upload_at(const char *target) {
  const char *id = strstr(target, "/blobs/uploads/");
  if (id == NULL) return NULL;
  int n = atoi(id + strlen("/blobs/uploads/"));
  if (n <= 0 || n >= MAX_UPLOADS || uploads[n].hash == NULL) return NULL;
  return &uploads[n];
}

/** The 64 hex digits after `prefix` in `text`, copied to `hex`; -1 when there are none. */
static int hex_after(const char *text, const char *prefix, char hex[65]) {
  const char *at = strstr(text, prefix);
  if (at == NULL) return -1;
  at += strlen(prefix);
  for (int i = 0; i < 64; i++) {
    char x = at[i];
    if (!((x >= '0' && x <= '9') || (x >= 'a' && x <= 'f'))) return -1;
    hex[i] = x;
  }
  hex[64] = '\0';
  return 0;
}

static int start_upload(int socket, const char *target) {
  int n = __atomic_fetch_add(&next_upload, 1, __ATOMIC_SEQ_CST);
  if (n >= MAX_UPLOADS) return respond(socket, "503 Service Unavailable", "", 0);
  char path[4096];
  snprintf(path, sizeof path, "%s/uploads/%d", data_dir, n);
  uploads[n].fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (uploads[n].fd < 0) return respond(socket, "500 Internal Server Error", "", 0);
  uploads[n].written = 0;
  uploads[n].hash = EVP_MD_CTX_new();
  EVP_DigestInit_ex(uploads[n].hash, EVP_sha256(), NULL);
  sem_init(&uploads[n].to_flush, 0, 0);
  pthread_create(&uploads[n].flusher, NULL, flush_upload, &uploads[n]);
  char headers[4200];
  const char *query = strchr(target, '?');
  int name = (int)(query == NULL ? strlen(target) : (size_t)(query - target));
  snprintf(headers, sizeof headers, "Location: %.*s%d\r\n", name, target, n);
  return respond(socket, "202 Accepted", headers, 0);
}

/** The end of a PUT: the digest checked, the file and its folder flushed, the blob in place. */
static int commit(int socket, const char *target, struct upload *u) {
  char expected[65], actual[65], from[4096], to[4096], headers[512];
  unsigned char digest[32];
  unsigned int size = 0;
  EVP_DigestFinal_ex(u->hash, digest, &size);
  EVP_MD_CTX_free(u->hash);
  u->hash = NULL;
  __atomic_store_n(&u->committing, 1, __ATOMIC_RELEASE);
  sem_post(&u->to_flush);
  pthread_join(u->flusher, NULL);
  for (int i = 0; i < 32; i++) snprintf(actual + 2 * i, 3, "%02x", digest[i]);
  int id = (int)(u - uploads);
  snprintf(from, sizeof from, "%s/uploads/%d", data_dir, id);
  if (hex_after(target, "digest=sha256%3A", expected) != 0 &&
      hex_after(target, "digest=sha256:", expected) != 0)
    expected[0] = '\0';
  if (strcmp(expected, actual) != 0) {
    close(u->fd);
    unlink(from);
    return respond(socket, "400 Bad Request", "", 0);
  }
  snprintf(to, sizeof to, "%s/blobs/%s", data_dir, actual);
  int folder = -1;
  snprintf(headers, sizeof headers, "%s/blobs", data_dir);
  int synced = !u->flush_failed && fdatasync(u->fd) == 0;
  if (close(u->fd) != 0 || !synced || rename(from, to) != 0 ||
      (folder = open(headers, O_RDONLY | O_DIRECTORY)) < 0 || fsync(folder) != 0) {
    if (folder >= 0) close(folder);
    unlink(from);
    return respond(socket, "500 Internal Server Error", "", 0);
  }
  close(folder);
  snprintf(headers, sizeof headers, "Docker-Content-Digest: sha256:%s\r\n", actual);
  return respond(socket, "201 Created", headers, 0);
}

static int send_blob(int socket, const char *target) {
  char hex[65], path[4096];
  if (hex_after(target, "/blobs/sha256:", hex) != 0) return respond(socket, "404 Not Found", "", 0);
  snprintf(path, sizeof path, "%s/blobs/%s", data_dir, hex);
  int fd = open(path, O_RDONLY);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) {
    if (fd >= 0) close(fd);
    return respond(socket, "404 Not Found", "", 0);
  }
  int failed = respond(socket, "200 OK", "Content-Type: application/octet-stream\r\n", st.st_size);
  for (off_t offset = 0; !failed && offset < st.st_size;) {
    ssize_t sent = sendfile(socket, fd, &offset, (size_t)(st.st_size - offset));
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) failed = -1;
  }
  close(fd);
  return failed;
}

/** Answers one request whose head is `head`; -1 ends the connection. */
static int answer(struct connection *c, char *head) {
  char method[16], target[4096];
  if (sscanf(head, "%15s %4095s", method, target) != 2) return -1;
  long long length = 0;
  // The benchmark's clients always send Content-Length; anything else ends the connection.
  if (strcasestr(head, "\r\ntransfer-encoding:") != NULL) return -1;
  const char *field = strcasestr(head, "\r\ncontent-length:");
  if (field != NULL) length = atoll(field + strlen("\r\ncontent-length:"));
  if (strcasestr(head, "\r\nexpect: 100-continue") != NULL &&
      send_all(c->socket, "HTTP/1.1 100 Continue\r\n\r\n", 25) != 0)
    return -1;
  int posting = strcmp(method, "POST") == 0;
  if (posting || strcmp(method, "GET") == 0) {
    if (length != 0) return -1;
    return posting ? start_upload(c->socket, target) : send_blob(c->socket, target);
  }
  struct upload *u = upload_at(target);
  if (u == NULL || (strcmp(method, "PATCH") != 0 && strcmp(method, "PUT") != 0)) return -1;
  if (receive(c, u, length) != 0) return -1;
  if (strcmp(method, "PUT") == 0) return commit(c->socket, target, u);
  char headers[4300];
  snprintf(headers, sizeof headers, "Location: %s\r\nRange: 0-%lld\r\n", target, u->written - 1);
  return respond(c->socket, "202 Accepted", headers, 0);
}

static void *serve(void *argument) {
  struct connection *c = argument;
  for (;;) {
    char *end;
    c->in[c->have] = '\0';
    while ((end = strstr(c->in, "\r\n\r\n")) == NULL) {
      if (c->have == HEAD_BYTES) goto done;
      ssize_t got = read(c->socket, c->in + c->have, HEAD_BYTES - c->have);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) goto done;
      c->have += (size_t)got;
      c->in[c->have] = '\0';
    }
    size_t head_bytes = (size_t)(end - c->in) + 4;
    char head[HEAD_BYTES + 1];
    memcpy(head, c->in, head_bytes);
    head[head_bytes] = '\0';
    memmove(c->in, c->in + head_bytes, c->have - head_bytes);
    c->have -= head_bytes;
    if (answer(c, head) != 0) goto done;
  }
done:
  close(c->socket);
  free(c);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: reference-server DATA_DIR\n");
    return 2;
  }
  data_dir = argv[1];
  // A client that goes away mid-answer must cost its connection, not the server.
  signal(SIGPIPE, SIG_IGN);
  char path[4096];
  snprintf(path, sizeof path, "%s/uploads", data_dir);
  mkdir(path, 0700);
  snprintf(path, sizeof path, "%s/blobs", data_dir);
  mkdir(path, 0700);
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = 0};
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  if (listener < 0 || bind(listener, (struct sockaddr *)&address, sizeof address) != 0 ||
      listen(listener, 64) != 0 || getsockname(listener, (struct sockaddr *)&address, &size) != 0) {
    perror("reference-server");
    return 1;
  }
  printf("listening on http://127.0.0.1:%d\n", ntohs(address.sin_port));
  fflush(stdout);
  for (;;) {
    int socket = accept(listener, NULL, NULL);
    if (socket < 0) {
      usleep(1000); // out of descriptors, say: do not spin
      continue;
    }
    struct connection *c = calloc(1, sizeof *c);
    c->socket = socket;
    pthread_t thread;
    if (pthread_create(&thread, NULL, serve, c) != 0) {
      close(socket);
      free(c);
      continue;
    }
    pthread_detach(thread);
  }
}
