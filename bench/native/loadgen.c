/*
 * An open-loop HTTP/1.1 load generator for bench:calls, in C so that the load generator's own
 * garbage collector and event loop are not part of the latency it reports (as a SIP proxy's
 * libcurl-based http_client would not be). Loopback only.
 *
 *   loadgen <port> <path> <bearer> <rate/s> <count> <threads> <tag> <caller>...
 *
 * Request i (0 ≤ i < count) is due at start + i / rate and is sent by thread i mod threads on
 * that thread's keep-alive connection, with the body
 *   {"call_id":"<tag>-<i>","caller":"<caller i mod n>","callee":"+442079460000"}
 * Prints one line per request: "<i> <status> <latency µs from send> <µs late against schedule>".
 * Every wait is bounded: a response that does not arrive within 10 s fails the run.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int port, rate, count, threads, ncallers;
static const char *path, *bearer, *tag;
static char **callers;
static struct timespec start;
static long *status_of, *latency_of, *late_of;

static long us_between(const struct timespec *a, const struct timespec *b) {
  return (b->tv_sec - a->tv_sec) * 1000000L + (b->tv_nsec - a->tv_nsec) / 1000L;
}

static int connect_once(void) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
    perror("loadgen: connect");
    exit(2);
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  struct timeval tv = {.tv_sec = 10};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

/* Reads one response (headers, then Content-Length bytes); returns its status, or -1. */
static int read_response(int fd, char *buf, size_t cap) {
  size_t have = 0;
  char *body = NULL;
  long length = -1;
  for (;;) {
    ssize_t n = recv(fd, buf + have, cap - have - 1, 0);
    if (n <= 0) return -1;
    have += (size_t)n;
    buf[have] = 0;
    if (!body && (body = strstr(buf, "\r\n\r\n"))) {
      body += 4;
      char *cl = strcasestr(buf, "\r\ncontent-length:");
      length = cl ? strtol(cl + 17, NULL, 10) : 0;
    }
    if (body && (long)(have - (size_t)(body - buf)) >= length) return (int)strtol(buf + 9, NULL, 10);
    if (have + 1 >= cap) return -1;
  }
}

static void *worker(void *arg) {
  long t = (long)arg;
  int fd = connect_once();
  char body[512], request[1024], response[16384];
  for (long i = t; i < count; i += threads) {
    struct timespec due = start, sent, done;
    long ns = (long)((double)i * 1e9 / rate);
    due.tv_sec += ns / 1000000000L;
    due.tv_nsec += ns % 1000000000L;
    if (due.tv_nsec >= 1000000000L) due.tv_sec++, due.tv_nsec -= 1000000000L;
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &due, NULL) == EINTR) {
    }
    int blen = snprintf(body, sizeof body, "{\"call_id\":\"%s-%ld\",\"caller\":\"%s\",\"callee\":\"+442079460000\"}", tag, i,
                        callers[i % ncallers]);
    int rlen = snprintf(request, sizeof request,
                        "POST %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: application/json\r\nAuthorization: Bearer %s\r\n"
                        "Content-Length: %d\r\n\r\n%s",
                        path, port, bearer, blen, body);
    clock_gettime(CLOCK_MONOTONIC, &sent);
    if (send(fd, request, (size_t)rlen, MSG_NOSIGNAL) != rlen) {
      perror("loadgen: send");
      exit(2);
    }
    int status = read_response(fd, response, sizeof response);
    clock_gettime(CLOCK_MONOTONIC, &done);
    if (status < 0) {
      fprintf(stderr, "loadgen: no response to request %ld within 10 s\n", i);
      exit(2);
    }
    status_of[i] = status;
    latency_of[i] = us_between(&sent, &done);
    late_of[i] = us_between(&due, &sent);
  }
  close(fd);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 9) {
    fprintf(stderr, "usage: loadgen <port> <path> <bearer> <rate/s> <count> <threads> <tag> <caller>...\n");
    return 1;
  }
  port = atoi(argv[1]), path = argv[2], bearer = argv[3], rate = atoi(argv[4]), count = atoi(argv[5]), threads = atoi(argv[6]);
  tag = argv[7], callers = argv + 8, ncallers = argc - 8;
  if (port <= 0 || rate <= 0 || count <= 0 || threads <= 0 || threads > 256 || count > 10000000) {
    fprintf(stderr, "loadgen: bad arguments\n");
    return 1;
  }
  status_of = calloc((size_t)count, sizeof(long)), latency_of = calloc((size_t)count, sizeof(long)), late_of = calloc((size_t)count, sizeof(long));
  pthread_t tid[256];
  clock_gettime(CLOCK_MONOTONIC, &start);
  start.tv_nsec += 20000000L; /* 20 ms for the threads to connect */
  if (start.tv_nsec >= 1000000000L) start.tv_sec++, start.tv_nsec -= 1000000000L;
  for (long t = 0; t < threads; t++) pthread_create(&tid[t], NULL, worker, (void *)t);
  for (long t = 0; t < threads; t++) pthread_join(tid[t], NULL);
  for (long i = 0; i < count; i++) printf("%ld %ld %ld %ld\n", i, status_of[i], latency_of[i], late_of[i]);
  return 0;
}
