/* libatlscim_server (include/atlscim_server.h): start a local Atlassian directory, read its URL
 * and token, talk to it over a socket, stop it; and the failure paths. */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "atlscim_server.h"

static int failures = 0;
#define CHECK(cond)                                                      \
    do {                                                                 \
        if (!(cond)) {                                                   \
            fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
            failures++;                                                  \
        }                                                                \
    } while (0)

/* Sends one HTTP/1.1 request to 127.0.0.1:port and returns the status (0 on no answer). */
static int http_status(int port, const char *request, char *reply, size_t reply_size) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr;
    size_t got = 0;
    ssize_t n;
    int status = 0;
    if (fd < 0) return 0;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) { close(fd); return 0; }
    if (write(fd, request, strlen(request)) < 0) { close(fd); return 0; }
    while (got + 1 < reply_size && (n = read(fd, reply + got, reply_size - 1 - got)) > 0) got += (size_t)n;
    reply[got] = '\0';
    close(fd);
    if (sscanf(reply, "HTTP/1.1 %d", &status) != 1) return 0;
    return status;
}

int main(void) {
    const char *config = "{\"token\": \"s3cret\", \"directory_id\": \"d-c\"}";
    atlscim_server *server = NULL;
    char *error = NULL;
    char request[1024], reply[8192];
    const char *url, *root, *body;
    int port = 0;

    CHECK(atlscim_server_start((const uint8_t *)config, strlen(config), &server, &error) == ATLSCIM_SERVER_STATUS_OK);
    CHECK(server != NULL && error == NULL);
    url = atlscim_server_url(server);
    root = atlscim_server_root_url(server);
    CHECK(strncmp(url, "http://127.0.0.1:", 17) == 0);
    CHECK(strstr(url, "/scim/directory/d-c") != NULL);
    CHECK(strncmp(url, root, strlen(root)) == 0);
    CHECK(strcmp(atlscim_server_token(server), "s3cret") == 0);
    CHECK(sscanf(root, "http://127.0.0.1:%d", &port) == 1 && port > 0);

    snprintf(request, sizeof request, "GET /scim/directory/d-c/Users HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    CHECK(http_status(port, request, reply, sizeof reply) == 401);
    CHECK(strstr(reply, "\"traceId\"") != NULL);

    body = "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":\"c@example.com\","
           "\"emails\":[{\"value\":\"c@example.com\",\"primary\":true}]}";
    snprintf(request, sizeof request,
             "POST /scim/directory/d-c/Users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer s3cret\r\n"
             "Content-Type: application/scim+json\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n%s",
             strlen(body), body);
    CHECK(http_status(port, request, reply, sizeof reply) == 201);
    CHECK(http_status(port, request, reply, sizeof reply) == 409);
    atlscim_server_stop(server);
    CHECK(http_status(port, request, reply, sizeof reply) == 0); /* stopped: nothing listens */

    /* Defaults: a random token, a free port. */
    CHECK(atlscim_server_start(NULL, 0, &server, NULL) == ATLSCIM_SERVER_STATUS_OK);
    CHECK(strlen(atlscim_server_token(server)) == 64);
    atlscim_server_stop(server);

    /* Failures say why. */
    config = "{\"colour\": 1}";
    CHECK(atlscim_server_start((const uint8_t *)config, strlen(config), &server, &error) == ATLSCIM_SERVER_STATUS_INVALID_CONFIG);
    CHECK(server == NULL && error != NULL && strstr(error, "colour") != NULL);
    atlscim_server_string_free(error);
    config = "{\"faults\": \"418\"}";
    error = NULL;
    CHECK(atlscim_server_start((const uint8_t *)config, strlen(config), &server, &error) == ATLSCIM_SERVER_STATUS_START_FAILED);
    atlscim_server_string_free(error);
    CHECK(atlscim_server_start((const uint8_t *)"{}", 2, NULL, NULL) == ATLSCIM_SERVER_STATUS_NULL_PARAMETER);
    CHECK(atlscim_server_start(NULL, 3, &server, NULL) == ATLSCIM_SERVER_STATUS_NULL_PARAMETER);
    CHECK(atlscim_server_url(NULL) == NULL && atlscim_server_token(NULL) == NULL);
    atlscim_server_stop(NULL);
    atlscim_server_string_free(NULL);

    if (failures) {
        fprintf(stderr, "test_server: %d failures\n", failures);
        return 1;
    }
    printf("test_server: all checks passed\n");
    return 0;
}
