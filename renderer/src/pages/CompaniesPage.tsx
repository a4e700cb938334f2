export { CompaniesPage } from './companies/CompaniesPage.js';
