"""Training: the community party school's courses (2+X), sessions, attendance and class hours."""
