/* A TCP port on 127.0.0.1 that accepts connections (into the backlog) and
 * never answers: the server of cancellation tests. Shared by the C test
 * programs (each is one file, so this is static). Returns the listening
 * socket, and the base URL for it in `url`; -1 on failure. */
#ifndef AVALA_TEST_SILENT_H
#define AVALA_TEST_SILENT_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

static int silent_listener(char *url, size_t cap) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 8) != 0 ||
      getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
    return -1;
  }
  snprintf(url, cap, "http://127.0.0.1:%d/api/v1", (int)ntohs(a.sin_port));
  return fd;
}

#endif
