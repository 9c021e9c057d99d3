// Compiles tests/pch.h once for every test binary (tests/CMakeLists.txt).
