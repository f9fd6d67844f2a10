-- Each service owns its data: one database per service (DESIGN.md §2).
CREATE DATABASE agencies;
CREATE DATABASE applications;
CREATE DATABASE funding;
CREATE DATABASE gateway;
