/*
 * fuzz.h: what every harness in fuzz/ defines - libFuzzer's entry point.
 * Built two ways (fuzz/README.md): with clang -fsanitize=fuzzer by
 * `make fuzz`, and with the project's compiler plus fuzz/driver.c by
 * `make check`, which feeds each file of the harness's corpus once.
 */
#ifndef BOSHI_FUZZ_H
#define BOSHI_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
