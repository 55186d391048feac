FROM registry:2.8.2
