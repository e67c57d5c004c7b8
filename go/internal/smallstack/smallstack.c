//go:build linux

// The C side of package smallstack: a thread with a stack of a chosen size that calls back into
// Go, and the size of the stack the calling thread runs on.
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>

#include "_cgo_export.h"

static void *smallstack_thread(void *handle) {
	smallstackRun((uintptr_t)handle);
	return NULL;
}

int smallstack_run(size_t bytes, uintptr_t handle) {
	pthread_attr_t attr;
	pthread_t thread;
	int rc = pthread_attr_init(&attr);
	if (rc != 0) {
		return rc;
	}
	rc = pthread_attr_setstacksize(&attr, bytes);
	if (rc == 0) {
		rc = pthread_create(&thread, &attr, smallstack_thread, (void *)handle);
	}
	if (rc == 0) {
		rc = pthread_join(thread, NULL);
	}
	pthread_attr_destroy(&attr);
	return rc;
}

size_t smallstack_current_size(void) {
	pthread_attr_t attr;
	size_t size = 0;
	if (pthread_getattr_np(pthread_self(), &attr) == 0) {
		pthread_attr_getstacksize(&attr, &size);
		pthread_attr_destroy(&attr);
	}
	return size;
}
