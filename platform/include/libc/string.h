/* String and memory functions for programs on the platform (implemented in runtime/). */
#pragma once

#include <runtime.h>
