FROM registry:2
