// The unit tests' main: MPI for the whole process (the library never
// initialises it itself), then GoogleTest.
#include <gtest/gtest.h>

#include "myelin/context.hpp"

int main(int argc, char** argv) {
  myelin::MpiSession mpi(&argc, &argv);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
